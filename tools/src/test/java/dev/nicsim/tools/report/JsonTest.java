package dev.nicsim.tools.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void shouldReadBackWhatItWrites()
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("text", "a \"quoted\" line\n\t\u0001");
        root.put("numbers", List.of(-3L, 0L, 1.5, 2.5e-7));
        root.put("nested", Map.of("ok", false));
        root.put("nothing", null);
        assertEquals(root, Json.parse(Json.write(root)));
        assertEquals(List.of("\u00e9/"), Json.parse("[\"\\u00e9\\/\"]"));
    }

    @Test
    void shouldRefuseWhatIsNotJsonNamingTheOffset()
    {
        for (final String bad : List.of("{\"a\": 1,}", "[01]", "{\"a\" 1}", "\"open", "[1] 2", "{\"a\": 1, \"a\": 2}",
            "tru", "[1.]", "{a: 1}", "\"tab\there\""))
        {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
                bad);
            assertTrue(error.getMessage().startsWith("not JSON at offset "), error.getMessage());
        }
    }
}
