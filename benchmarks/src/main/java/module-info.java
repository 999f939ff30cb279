/**
 * JMH benchmarks. JMH's generated classes live in this module at compile time; benchmarks run on the class path
 * ({@code ./nicsim bench}), where JMH can reach them.
 */
module dev.nicsim.bench {
    requires dev.nicsim.hw;
    requires dev.nicsim.stack;
    requires dev.nicsim.tools;
    requires jmh.core;
}
