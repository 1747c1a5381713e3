// A nurse who logged in with the temporary password her dispatcher gave her is asked, at the top of her page, to
// choose her own; the temporary one then stops working.
import { ApiError, changeOwnPassword, h } from "./common.js";

export function offerOwnPassword(me, where) {
  if (!me.password_temporary) return;
  const message = h("p", { class: "problem", role: "alert" });
  const form = h("form", { class: "own-password", "aria-labelledby": "own-password-title" },
    h("h2", { id: "own-password-title" }, "Choose your own password"),
    h("p", {}, "You logged in with the temporary password you were given. Choose your own now: the temporary one then stops working."),
    h("label", {}, "Temporary password ", h("input", { name: "current", type: "password", autocomplete: "current-password", required: true })),
    h("label", {}, "New password ", h("input", { name: "next", type: "password", autocomplete: "new-password", required: true })),
    h("button", { type: "submit", class: "primary" }, "Save my password"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try {
      await changeOwnPassword(form.current.value, form.next.value);
      const done = h("p", { class: "own-password done", role: "status", tabindex: "-1" }, "Your password is saved: use it from now on.");
      form.replaceWith(done);
      done.focus();
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
    }
  });
  where.prepend(form);
}
