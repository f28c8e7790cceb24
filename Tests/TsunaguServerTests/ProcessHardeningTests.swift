import Glibc
import Testing
import TsunaguServer

@Suite("Process hardening")
struct ProcessHardeningTests {
    @Test("after disableDumping the process leaves no core dump and is not dumpable")
    func noCoreDumps() {
        #expect(ProcessHardening.disableDumping())
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur == 0 && limit.rlim_max == 0)
        #expect(ProcessHardening.isDumpable == false)
    }
}
