/**
 * Workloads that repeat one operation forever in steady state: the connect()/accept()/abort handshake and UDP
 * streaming at line rate. The JMH benchmarks time them and the allocation tests prove they allocate nothing, so both
 * measure the same code.
 */
package dev.nicsim.tools.workload;
