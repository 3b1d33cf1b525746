package coop.comptoir.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** What the instances of one runtime share by key ({@link coop.comptoir.api.plugin.PluginContext#shared}). */
final class SharedObjects {
    private final Map<String, Object> byKey = new ConcurrentHashMap<>();

    <T> T get(String key, Class<T> type, Supplier<? extends T> create) {
        Object value = byKey.computeIfAbsent(key, k -> java.util.Objects.requireNonNull(create.get(), "shared " + k));
        if (!type.isInstance(value)) {
            throw new IllegalStateException("shared object \"" + key + "\" is a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(value);
    }
}
