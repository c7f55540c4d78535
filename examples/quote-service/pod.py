"""Runs quote-service the way a task or pod runs it: two containers, the Meterline agent and the
product, side by side with the same environment (credentials, region, metadata).

  python3 pod.py AGENT_COMMAND...     e.g. python3 pod.py java -jar meterline-agent.jar --trust ...

The agent starts first; the product starts once the agent answers (an agent that is not entitled
exits 3, and so does the pod, as a task whose essential container fails). SIGTERM reaches both, as
ECS and Kubernetes send it to every container; the pod exits with the agent's code.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

AGENT_URL = os.environ.get("METERLINE_AGENT_URL", "http://127.0.0.1:9181").rstrip("/")


def agent_is_up():
    try:
        with urllib.request.urlopen(AGENT_URL + "/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    agent = subprocess.Popen(sys.argv[1:])
    while not agent_is_up():
        if agent.poll() is not None:
            return agent.returncode
        time.sleep(0.2)
    product = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "app.py")])
    children = [product, agent]

    def stop(signum, frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while agent.poll() is None and product.poll() is None:
        time.sleep(0.2)
    stop(None, None)  # one container ended: the task ends
    product.wait()
    return agent.wait()


if __name__ == "__main__":
    sys.exit(main())
