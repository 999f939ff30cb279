package dev.nicsim.tools.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest
{
    @Test
    void shouldWriteNestedValuesInInsertionOrder()
    {
        final Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("host CPU", 1200L);
        inner.put("wire", 67.2);
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("daytime", "Tue Nov 24 \"22\"\n");
        root.put("breakdown_ns", inner);
        root.put("frames", List.of(1, 2));
        root.put("empty", Map.of());
        root.put("ok", true);

        assertEquals("""
            {
              "daytime": "Tue Nov 24 \\"22\\"\\n",
              "breakdown_ns": {
                "host CPU": 1200,
                "wire": 67.2
              },
              "frames": [
                1,
                2
              ],
              "empty": {},
              "ok": true
            }
            """, Json.write(root));
    }

    @Test
    void shouldRefuseWhatJsonCannotHold()
    {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
