package org.latentlab.engine.internal;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The bundle's class loader as DJL sees it through the thread context class loader while it loads natives to
 * download: everything but {@value #PLATFORM}, the file by which DJL's {@code ai.djl.util.Platform.detectPlatform}
 * finds the CPU natives embedded in this bundle. Without it DJL takes its platform from {@code pytorch-engine.properties}
 * as a placeholder, and {@code LibUtils} downloads the natives. Classes, the JNI libraries and every other resource
 * come from the bundle's loader unchanged.
 */
final class WithoutBundledNatives extends ClassLoader {

    /** The properties of the embedded natives: version, flavour, platform and library files. */
    static final String PLATFORM = "native/lib/pytorch.properties";

    static {
        registerAsParallelCapable();
    }

    WithoutBundledNatives(ClassLoader bundle) {
        super(bundle);
    }

    @Override
    public URL getResource(String name) {
        return PLATFORM.equals(name) ? null : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return PLATFORM.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
    }
}
