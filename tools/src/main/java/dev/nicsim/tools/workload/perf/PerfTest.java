package dev.nicsim.tools.workload.perf;

/** The tests, named and defined as netperf names and defines them. */
public enum PerfTest
{
    /** Bulk data from client to server over one TCP connection per flow; goodput at the server. */
    TCP_STREAM(true, false, "bulk TCP, client to server"),
    /** TCP_STREAM backwards ("maerts"): the server sends, the client receives. */
    TCP_MAERTS(true, false, "bulk TCP, server to client"),
    /** One request, one response, the next request: on one TCP connection per flow. */
    TCP_RR(true, true, "TCP request/response on one connection"),
    /** Connect, request, response, close: a new TCP connection per transaction. */
    TCP_CRR(true, true, "TCP connect/request/response/close"),
    /** Datagrams from client to server as fast as the link takes them; the server counts what arrives. */
    UDP_STREAM(false, false, "UDP datagrams, client to server"),
    /** One request datagram, one response datagram, the next request. */
    UDP_RR(false, true, "UDP request/response");

    private final boolean tcp;
    private final boolean transactional;
    private final String description;

    PerfTest(final boolean tcp, final boolean transactional, final String description)
    {
        this.tcp = tcp;
        this.transactional = transactional;
        this.description = description;
    }

    public boolean tcp()
    {
        return tcp;
    }

    /** Whether the test counts transactions with a latency each (the RR tests), rather than bulk bytes. */
    public boolean transactional()
    {
        return transactional;
    }

    public String description()
    {
        return description;
    }

    /** Whether the server, not the client, is the bulk sender. */
    public boolean serverSends()
    {
        return this == TCP_MAERTS;
    }
}
