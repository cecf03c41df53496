/** The PyTorch implementation of the compute engine service; private to the engine bundle. */
package org.latentlab.engine.internal;
