@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver with `target`. SwiftPM links an executable's entry point as `<Target>_main` in debug
/// builds, so each target names that symbol and calls this (`-parse-as-library` leaves no `main` of its own).
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ target: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt {
    var (count, arguments) = (argc, argv)
    return runFuzzerDriver(&count, &arguments, target)
}
