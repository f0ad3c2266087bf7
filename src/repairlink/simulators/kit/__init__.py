"""The simulator kit: everything a PMS simulator needs that is not about one PMS.

A simulator (`repairlink.simulators.<pms>`) declares its kinds, vocabulary, data, rendering,
endpoints and writes, and a `declaration.Simulator`; the kit gives it compact tables and
paging (cursor or offset), auth schemes, one guard for every endpoint, fault injection, outage
mode, the admin API, a render cache, the write log, a threaded server for tests, a process
runner and the command line. The kit imports no simulator. See docs/simulators.md.
"""
