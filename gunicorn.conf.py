"""gunicorn settings for `competition`: `.venv/bin/gunicorn "competition:create_app()"`.

Every setting can be changed from the environment (GUNICORN_*), so one file serves a laptop and a
server. The app keeps no state in a process, so any number of workers and hosts may run side by
side (PostgreSQL, Redis for rate limits and jobs, one shared upload folder: see deploy/README.md).
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where nginx sends requests. Keep gunicorn off the public interface; nginx is the front door.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Workers: WEB_CONCURRENCY or GUNICORN_WORKERS, else 2 x CPUs + 1 (at most 9 by default).
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
# Threads let a worker serve judges' autosaves while another thread streams an upload to disk.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# Uploads of several hundred MB over a school's line take minutes; nginx buffers the body first
# (client_max_body_size, proxy_request_buffering on), but a generous timeout costs nothing.
timeout = _int("GUNICORN_TIMEOUT", 300)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Forwarded headers: the app rewrites remote address, scheme and host with werkzeug's ProxyFix when
# COMPETITION_PROXY_FIX=<number of proxies> is set (1 behind one nginx). gunicorn itself trusts
# X-Forwarded-Proto only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Never preload: each worker opens its own database connections after the fork.
preload_app = False
