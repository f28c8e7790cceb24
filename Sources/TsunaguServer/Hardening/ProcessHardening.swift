import CHardening

/// What `tsunagud` does to its own process before it reads a key: no core dump (RLIMIT_CORE 0) and, on Linux, not
/// dumpable (PR_SET_DUMPABLE 0), so neither a crash nor a debugger of the same user copies the master key or her
/// words out of its memory.
public enum ProcessHardening {
    /// - Returns: whether the kernel accepted both; a failure is reported by the caller, and changes nothing else.
    @discardableResult
    public static func disableDumping() -> Bool { tsunagu_disable_dumping() == 0 }

    /// Whether the process may still be dumped; `nil` where the system cannot say.
    public static var isDumpable: Bool? {
        let answer = tsunagu_is_dumpable()
        return answer < 0 ? nil : answer != 0
    }
}
