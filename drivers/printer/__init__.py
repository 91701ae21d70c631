"""Thermal ticket printer (ESC/POS): layout, driver, decoder and a loopback emulator.

Import from the modules (`slip`, `driver`, `decoder`, `emulator`); only `transport` imports
python-escpos.
"""
