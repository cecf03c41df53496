package org.latentlab.core;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

class FileRunStoreTest extends RunStoreContract {

    @TempDir
    Path runs;

    @Override
    RunStore store() {
        return new FileRunStore(runs);
    }
}
