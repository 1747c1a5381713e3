"""Work that runs on the workers: solve and re-plan jobs (procrastinate), the solve child process, timed solves."""
