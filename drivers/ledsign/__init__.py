"""LED window signs (窗口屏) on RS-485, serial or UDP, speaking "onewindow LED text protocol v1".

`protocol` is pure, `transport` opens the line (pyserial or a UDP socket), `driver.LedSign`
sends text with acks, timeouts and retries, `emulator` is a bus of signs for tests and demo.
"""
