// The build failed on the broken source with its position and code, without a stack trace, and
// generated no facade for it.
def log = new File(basedir, 'build.log').text
def m = log =~ /nested\/broken\.attn:5:30: error\[(E\d{3})\]: [^\n]*W/
assert m.find() : 'no positioned diagnostic in the build log'
assert log.contains('tessera: 1 source failed to compile')
assert !log.contains('at dev.tessera.')
assert !new File(basedir, 'target/generated-sources/tessera/tessera/kernels/BrokenKernel.java').exists()
true
