# The one image for every role: API (`serve`), solve workers (`worker`), one-off commands (`user add`).
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY solver ./solver
COPY dispatch ./dispatch
COPY api ./api
COPY cli ./cli
RUN pip install --no-cache-dir . && useradd --create-home dispatch
USER dispatch
EXPOSE 8000
CMD ["nurse-dispatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
