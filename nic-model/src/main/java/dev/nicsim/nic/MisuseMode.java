package dev.nicsim.nic;

/** What the device does when it is driven against its datasheet (datasheet §9). */
public enum MisuseMode
{
    /**
     * Stop the simulation with a {@link NicMisuseException} naming the register or descriptor field, the value, the
     * rule broken and the simulated time. For driver development and tests.
     */
    STRICT,
    /**
     * Behave as silicon would: ignore, drop, stall or halt the queue, count the error, capture it in ERRCODE and raise
     * cause DERR. No exception leaves the device.
     */
    SILICON
}
