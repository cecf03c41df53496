/** Tests that run inside an OSGi framework against the platform's bundles. */
package org.latentlab.itests;
