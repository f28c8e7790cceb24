import TsunaguServer

/// The conversation script an operator edits: any text must load or be refused in one sentence, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScript(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let yaml = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        _ = try ScriptLoader.load(yaml: yaml, name: "fuzz.yaml")
    } catch {
        if error.description.contains("\n") { fatalError("a script error is more than one line") }
    }
    return 0
}
