package dev.nicsim.tools.drivercheck;

/** One check's outcome, with what was seen (on failure: what broke the rule, and when). */
public record CheckResult(Check check, boolean passed, String detail)
{
    /** {@code PASS  probe and reset order (§8.1, §8.2): ...} */
    public String format()
    {
        return String.format("%s  %-40s %-22s %s", passed ? "PASS" : "FAIL", check.title(), "(" + check.section() +
            ")", detail);
    }
}
