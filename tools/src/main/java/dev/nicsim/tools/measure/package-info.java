/**
 * What a run measures, kept apart from what it runs: the application-level meter of a workload (bytes, transactions,
 * a latency histogram), each host's CPU time by use, and the devices' counters, each read at the start and end of a
 * measurement window so that warm-up is left out.
 */
package dev.nicsim.tools.measure;
