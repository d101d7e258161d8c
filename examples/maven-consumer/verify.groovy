// Run by tessera-maven-plugin's invoker tests (not needed when you copy this project).
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0')
true
