"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sync workers: the public pages are served from the shared cache, so a request is short and
CPU-bound; on two cores sync workers beat threads. Scale out by raising WEB_CONCURRENCY on a
bigger host, or by adding hosts behind the load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# The access log holds no query strings: /donate/thanks/?session_id=… and prefilled gift forms
# are nobody's business in a log file.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# gunicorn 27 opens a control socket under ~/.gunicorn by default; a web worker needs none.
control_socket_disable = True
