package io.streamprop.trainer.testing;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The heap bytes an object graph holds, counted from its fields, as HotSpot lays objects out on a
 * 64-bit JVM with compressed references: a 12-byte header (16 for an array: header and length),
 * then the fields (references 4 bytes), rounded up to 8. Walks instance fields through reflection,
 * each object once; {@code shared} names objects that are not the graph's own (a spec that many
 * models share) and stops the walk there. JDK classes are counted by their fields as well, except
 * classes, enums and strings, which are shared. Deterministic, unlike a heap's used bytes.
 */
public final class HeapWalk {
  private HeapWalk() {}

  /** Bytes of everything reachable from {@code root}, except what {@code shared} accepts. */
  public static long bytes(Object root, Predicate<Object> shared) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    long total = 0;
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (o instanceof Class || o instanceof Enum || o instanceof String) {
        continue;
      }
      if (shared.test(o) || !seen.add(o)) {
        continue;
      }
      Class<?> type = o.getClass();
      if (type.isArray()) {
        int length = Array.getLength(o);
        Class<?> element = type.getComponentType();
        total += align(16 + (long) length * size(element));
        if (!element.isPrimitive()) {
          for (int i = 0; i < length; i++) {
            push(todo, Array.get(o, i));
          }
        }
        continue;
      }
      long bytes = 12;
      for (Class<?> k = type; k != null; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          bytes += size(f.getType());
          if (!f.getType().isPrimitive() && f.trySetAccessible()) {
            try {
              push(todo, f.get(o));
            } catch (IllegalAccessException e) {
              // not ours to read (a JDK module): counted as a reference only
            }
          }
        }
      }
      total += align(bytes);
    }
    return total;
  }

  private static void push(ArrayDeque<Object> todo, Object o) {
    if (o != null) {
      todo.push(o);
    }
  }

  private static long size(Class<?> type) {
    if (type == long.class || type == double.class) {
      return 8;
    }
    if (type == byte.class || type == boolean.class) {
      return 1;
    }
    if (type == short.class || type == char.class) {
      return 2;
    }
    return 4; // int, float, a compressed reference
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
