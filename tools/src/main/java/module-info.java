/** Composition roots: the testbed, the {@code nicsim} command line, bridges to the real world. */
module dev.nicsim.tools {
    requires dev.nicsim.hw;
    requires dev.nicsim.nic;
    requires dev.nicsim.stack;
    requires dev.nicsim.driver;
    requires info.picocli;
    requires org.bouncycastle.provider;
    requires org.knowm.xchart;
    requires VectorGraphics2D;
    requires java.desktop;
    requires jssc;
    requires HdrHistogram;

    opens dev.nicsim.tools.cli to info.picocli;
    exports dev.nicsim.tools.bridge;
    exports dev.nicsim.tools.config;
    exports dev.nicsim.tools.demo;
    exports dev.nicsim.tools.drivercheck;
    exports dev.nicsim.tools.iperf;
    exports dev.nicsim.tools.report;
    exports dev.nicsim.tools.testbed;
    exports dev.nicsim.tools.measure;
    exports dev.nicsim.tools.workload;
    exports dev.nicsim.tools.workload.perf;
}
