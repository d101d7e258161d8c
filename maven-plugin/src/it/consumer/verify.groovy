// The facades and the resources they compile from were generated; the tests ran and passed; the
// second build skipped both unchanged sources.
def gen = new File(basedir, 'target/generated-sources/tessera/com/example/kernels')
assert new File(gen, 'GemmKernel.java').isFile()
assert new File(gen, 'MhaCausalKernel.java').isFile()
assert new File(basedir, 'target/classes/tessera/mha_causal.attn').isFile()
def facade = new File(gen, 'MhaCausalKernel.java').text
assert facade.contains('public static float[] run(float[] Q, float[] K, float[] V, int B, int H, int M, int N, int E)')
assert facade.contains('kernel mha_causal(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E]) -&gt; (O: f32[B, H, M, E])')
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0')
assert log.contains('tessera: gemm.attn unchanged, skipped')
assert log.contains('tessera: mha_causal.attn unchanged, skipped')
assert !log.contains('WARNING: Using incubator modules')
true
