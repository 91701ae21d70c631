"""`onewindow display-agent`: drive a hall's LED window signs from the hall server's events.

    onewindow display-agent --server http://10.0.0.5:8080 --token dev_... --hall county \\
        --port /dev/ttyUSB0

The token is an agent device token of the hall (`onewindow device add signs-1 --kind agent
--hall county`); it may come from ONEWINDOW_AGENT_TOKEN instead of the command line, so it does
not show in the process list. The port is a serial device, a pyserial URL or udp://host:port
(see drivers/ledsign/README.md); `onewindow emulate ledsign` gives a pty to try it without
signs. Runs until interrupted (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from display.agent.agent import AgentConfig, DisplayAgent
from drivers.ledsign.driver import LedSign, LedSignConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onewindow display-agent",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, help="the hall server, e.g. http://host:8080")
    parser.add_argument(
        "--token",
        default=os.environ.get("ONEWINDOW_AGENT_TOKEN"),
        help="agent device token (default: $ONEWINDOW_AGENT_TOKEN)",
    )
    parser.add_argument("--hall", required=True, help="hall code, e.g. county")
    parser.add_argument("--zone", help="drive only the signs of this zone's windows")
    parser.add_argument("--port", required=True, help="serial port, pyserial URL or udp://h:p")
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--no-rs485", action="store_true", help="plain serial, no RS-485 mode")
    parser.add_argument("--refresh", type=float, default=300.0, help="re-send every N seconds")
    parser.add_argument("--retry", type=float, default=10.0, help="retry a silent sign after N s")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.token:
        parser.error(
            "需要代理设备令牌：--token 或环境变量 ONEWINDOW_AGENT_TOKEN / an agent device token "
            "is needed: --token or ONEWINDOW_AGENT_TOKEN"
        )
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    config = AgentConfig(
        server=args.server.rstrip("/"),
        token=args.token,
        hall=args.hall,
        zone=args.zone,
        refresh_s=args.refresh,
        retry_s=args.retry,
    )
    signs = LedSign(LedSignConfig(args.port, baudrate=args.baud, rs485=not args.no_rs485))
    try:
        return DisplayAgent(config, signs).run(stop)
    finally:
        signs.close()


if __name__ == "__main__":
    raise SystemExit(main())
