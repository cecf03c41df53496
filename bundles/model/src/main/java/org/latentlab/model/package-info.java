/**
 * The default backbone, {@code "gpt"}: a GPT-2 style decoder in plain DJL NDArray operations. Private to this
 * bundle; other bundles reach it through the {@code BackboneFactory} service.
 *
 * <p>Parameter names, in {@code parameters()} order: {@code wte}, {@code wpe}, then per block L
 * {@code blocks.L.ln1.gamma|beta}, {@code blocks.L.attn.qkv.weight|bias}, {@code blocks.L.attn.proj.weight|bias},
 * {@code blocks.L.ln2.gamma|beta}, {@code blocks.L.mlp.fc.weight|bias}, {@code blocks.L.mlp.proj.weight|bias}, and
 * {@code lnf.gamma|beta}. Linear weights are {@code [out, in]}; the LM head reuses {@code wte}.
 */
package org.latentlab.model;
