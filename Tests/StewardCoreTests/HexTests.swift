import StewardCore
import Testing

/// Hex text of bytes: digests, entity tags, tokens.
@Suite struct HexTests {
    /// Each byte gives two lower-case digits, high nibble first; no bytes give no text.
    @Test func everyByteGivesTwoLowerCaseDigits() {
        #expect(Hex.string([UInt8]()) == "")
        #expect(Hex.string([0x00, 0x0a, 0x7f, 0x80, 0xff] as [UInt8]) == "000a7f80ff")
    }

    /// Every byte value reads back from its two digits, in order.
    @Test func everyByteValueReadsBack() {
        let bytes = (0...255).map { UInt8($0) }
        let text = Array(Hex.string(bytes))
        #expect(text.count == 512)
        for (index, byte) in bytes.enumerated() {
            #expect(UInt8(String(text[index * 2...index * 2 + 1]), radix: 16) == byte)
        }
    }

    /// Random text has two digits per byte asked for, and two draws differ.
    @Test func randomTextHasTheAskedLengthAndDiffers() {
        let first = Hex.random(bytes: 16), second = Hex.random(bytes: 16)
        #expect(first.count == 32)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first != second)
    }
}
