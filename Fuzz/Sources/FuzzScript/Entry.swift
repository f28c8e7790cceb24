import FuzzDriver

@_cdecl("FuzzScript_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv) { fuzzScript($0, $1) } }
