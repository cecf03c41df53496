package org.latentlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDArray;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compatibility policy, checked against the released API jar (baseline/): a plugin built against a 1.x release runs
 * on every later 1.x. So nothing public of the release may disappear, and a type that plugins implement or extend (an
 * interface marked {@code @ConsumerType}, or an abstract class) may not gain an abstract method, which a plugin built
 * earlier would not implement. bnd's baseline check asks for the right package version bump on any change; this test
 * refuses the changes that no minor bump can make compatible.
 */
class ReleasedApiCompatibilityTest {

    private static final String CONSUMER_TYPE = "Lorg/osgi/annotation/versioning/ConsumerType;";

    private static Path released;
    private static ClassLoader releasedLoader;
    private static final List<String> releasedTypes = new ArrayList<>();
    private static final Set<String> consumerTypes = new TreeSet<>();

    @BeforeAll
    static void openTheRelease() throws IOException {
        String jar = System.getProperty("latentlab.api.released");
        assertNotNull(jar, "the build names the released API jar in the system property latentlab.api.released");
        released = Path.of(jar);
        assertTrue(Files.isRegularFile(released), () -> released + " is the released API jar");
        try (JarFile file = new JarFile(released.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.endsWith("package-info.class")) {
                    continue;
                }
                String type = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                releasedTypes.add(type);
                byte[] bytes = file.getInputStream(entry).readAllBytes();
                if (new String(bytes, StandardCharsets.ISO_8859_1).contains(CONSUMER_TYPE)) {
                    consumerTypes.add(type);
                }
            }
        }
        // the released classes, apart from the current ones; DJL's API for the types the contracts mention
        URL djl = NDArray.class.getProtectionDomain().getCodeSource().getLocation();
        releasedLoader = new URLClassLoader(new URL[] {released.toUri().toURL(), djl}, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theReleaseIsReadAndItsPluginContractsAreFound() {
        assertTrue(releasedTypes.size() > 50, () -> "types in " + released + ": " + releasedTypes.size());
        assertTrue(consumerTypes.containsAll(Set.of("org.latentlab.api.method.ReasoningMethod", "org.latentlab.api.method.SupervisionLoss",
                "org.latentlab.api.data.DatasetAdapter", "org.latentlab.api.probe.Probe")), () -> "consumer types: " + consumerTypes);
    }

    @Test
    void everyPublicTypeMethodConstructorAndFieldOfTheReleaseIsStillThere() throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        for (String name : releasedTypes) {
            Class<?> old = Class.forName(name, false, releasedLoader);
            if (!Modifier.isPublic(old.getModifiers())) {
                continue;
            }
            Class<?> now;
            try {
                now = Class.forName(name, false, ReleasedApiCompatibilityTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                missing.add("the type " + name);
                continue;
            }
            Set<String> current = members(now);
            for (String member : members(old)) {
                if (!current.contains(member)) {
                    missing.add(name + "." + member);
                }
            }
        }
        assertEquals(List.of(), missing, "removed from the API since " + released.getFileName()
                + "; plugins built against it would fail to link (a removal needs a new major version)");
    }

    @Test
    void noTypeThatPluginsImplementOrExtendGainedAnAbstractMethod() throws ClassNotFoundException {
        List<String> gained = new ArrayList<>();
        for (String name : releasedTypes) {
            Class<?> old = Class.forName(name, false, releasedLoader);
            boolean extendable = Modifier.isPublic(old.getModifiers()) && (consumerTypes.contains(name)
                    || (!old.isInterface() && Modifier.isAbstract(old.getModifiers())));
            if (!extendable) {
                continue;
            }
            Class<?> now = Class.forName(name, false, ReleasedApiCompatibilityTest.class.getClassLoader());
            Set<String> wasAbstract = abstractMethods(old);
            for (String method : abstractMethods(now)) {
                if (!wasAbstract.contains(method)) {
                    gained.add(name + "." + method);
                }
            }
        }
        assertEquals(List.of(), gained, "abstract methods added to types that plugins implement; a plugin built against "
                + released.getFileName() + " lacks them: give each a default body");
    }

    interface Released {
        void answer();
    }

    interface GainedAnAbstractMethod {
        void answer();

        void explain();
    }

    interface GainedADefaultMethod {
        void answer();

        default void explain() {
        }
    }

    abstract static class Base implements Released {
        abstract void hidden();
    }

    abstract static class Implements extends Base {
        @Override
        public void answer() {
        }
    }

    @Test
    void aMethodAPluginMustWriteCountsAndOneWithABodyDoesNot() {
        assertEquals(Set.of("answer()"), abstractMethods(Released.class));
        assertEquals(Set.of("answer()", "explain()"), abstractMethods(GainedAnAbstractMethod.class));
        assertEquals(Set.of("answer()"), abstractMethods(GainedADefaultMethod.class));
        assertEquals(Set.of(), abstractMethods(Implements.class), "implemented by the class, and package-private");
    }

    /** Public and protected members, as signatures that do not depend on the class loader. */
    private static Set<String> members(Class<?> type) {
        Set<String> members = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic()) {
                members.add(m.getReturnType().getName() + " " + signature(m.getName(), m.getParameterTypes()));
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                members.add(signature("<init>", c.getParameterTypes()));
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                members.add(f.getType().getName() + " " + f.getName());
            }
        }
        return members;
    }

    private static Set<String> abstractMethods(Class<?> type) {
        Set<String> methods = new TreeSet<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers())) {
                methods.add(signature(m.getName(), m.getParameterTypes()));
            }
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isAbstract(m.getModifiers()) && visible(m.getModifiers())) {
                    methods.add(signature(m.getName(), m.getParameterTypes()));
                }
            }
        }
        // an abstract method that the class or a superclass implements is not one a plugin must write
        methods.removeIf(signature -> implemented(type, signature));
        return methods;
    }

    private static boolean implemented(Class<?> type, String signature) {
        for (Class<?> c = type; c != null && !c.isInterface(); c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isAbstract(m.getModifiers()) && signature(m.getName(), m.getParameterTypes()).equals(signature)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String signature(String name, Class<?>[] parameters) {
        return name + Arrays.stream(parameters).map(Class::getName).collect(Collectors.joining(",", "(", ")"));
    }
}
