import FuzzDriver

@_cdecl("FuzzWebhook_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv) { fuzzWebhook($0, $1) } }
