/// Series colors: the Okabe–Ito palette (distinguishable with the common color-vision deficiencies), with
/// a dark blue first and yellow last (it is faint on white).
enum Palette {
    static let colors = [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000", "#8c564b", "#7f7f7f",
        "#f0e442",
    ]

    static func color(_ index: Int) -> String { colors[index % colors.count] }

    /// Beyond the palette, series repeat its colors with a dash pattern so they still differ.
    static func dash(_ index: Int) -> String? { index >= colors.count ? "6 3" : nil }

    static let grid = "#e6e6e6"
    static let axis = "#555"
    static let highlight = "#c00000"
}
