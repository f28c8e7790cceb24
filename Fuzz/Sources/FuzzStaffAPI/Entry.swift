import FuzzDriver

@_cdecl("FuzzStaffAPI_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv) { fuzzStaffAPI($0, $1) } }
