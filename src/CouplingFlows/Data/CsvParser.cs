using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>The state of one <see cref="CsvReader"/> pass over a text source.</summary>
internal sealed class CsvParser
{
    private const int DroppedRole = -2;
    private const int LabelRole = -1;

    private readonly string _source;
    private readonly CsvReadOptions _options;
    private readonly List<CsvCellRange> _cells = [];
    private readonly List<float> _labels = [];
    private float[] _values = new float[4096];
    private int _valueCount;
    private int _rowCount;
    private int _columnCount;
    private int _featureCount;
    private int[] _roles = [];
    private char _delimiter;
    private bool _firstRowIsHeader;

    private CsvParser(string source, CsvReadOptions options)
    {
        _source = source;
        _options = options;
    }

    /// <summary>Reads every line of the source into a table.</summary>
    public static CsvTable Parse(TextReader reader, string source, CsvReadOptions options)
    {
        var parser = new CsvParser(source, options);
        return parser.Run(reader);
    }

    private CsvTable Run(TextReader reader)
    {
        int lineNumber = 0;
        string? line = NextNonBlankLine(reader, ref lineNumber);
        if (line is null)
        {
            throw new DataFormatException(
                "the file holds no data: it is empty or has only blank lines.", _source, null, null);
        }

        line = line.TrimStart('\uFEFF');
        _delimiter = _options.Delimiter ?? DetectDelimiter(line);
        SplitOrThrow(line, lineNumber);
        _columnCount = _cells.Count;
        _firstRowIsHeader = _options.HasHeader ?? LooksLikeHeader(line);
        ResolveRoles();
        (IReadOnlyList<string>? header, string? labelName) = _firstRowIsHeader ? ReadNames(line) : (null, null);
        int firstLine = lineNumber;
        if (!_firstRowIsHeader)
        {
            AddRow(line, lineNumber);
        }

        while ((line = NextNonBlankLine(reader, ref lineNumber)) is not null)
        {
            SplitOrThrow(line, lineNumber);
            CheckCellCount(lineNumber);
            AddRow(line, lineNumber);
        }

        if (_rowCount == 0)
        {
            throw new DataFormatException(
                "the file has a header but no data rows after it.", _source, firstLine, null);
        }

        return Assemble(header, labelName);
    }

    private static string? NextNonBlankLine(TextReader reader, ref int lineNumber)
    {
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && string.IsNullOrWhiteSpace(line));

        return line;
    }

    /// <summary>Picks a tab, then ';', then ',' (outside quotes), else a space when the line has one.</summary>
    private static char DetectDelimiter(string line)
    {
        bool inQuotes = false;
        bool hasComma = false;
        bool hasSemicolon = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c == '\t')
            {
                return '\t';
            }
            else if (!inQuotes)
            {
                hasComma |= c == ',';
                hasSemicolon |= c == ';';
            }
        }

        if (hasSemicolon || hasComma)
        {
            return hasSemicolon ? ';' : ',';
        }

        return line.AsSpan().Trim().Contains(' ') ? ' ' : ',';
    }

    private void SplitOrThrow(string line, int lineNumber)
    {
        int faulty = CsvLineSplitter.Split(line, _delimiter, _cells);
        if (faulty != CsvLineSplitter.Success)
        {
            throw new DataFormatException(
                "a quoted cell is not closed on this line, or text follows its closing quote.",
                _source, lineNumber, faulty + 1);
        }
    }

    private bool LooksLikeHeader(string line)
    {
        foreach (CsvCellRange range in _cells)
        {
            if (CsvCell.Classify(line.AsSpan(range.Start, range.Length), out _) == CsvCellKind.Text)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckCellCount(int lineNumber)
    {
        if (_cells.Count == _columnCount)
        {
            return;
        }

        string reference = _firstRowIsHeader ? "the header has" : "the first row has";
        int column = Math.Min(_cells.Count, _columnCount) + 1;
        throw new DataFormatException(
            $"the row has {_cells.Count} cells but {reference} {_columnCount}.", _source, lineNumber, column);
    }

    private void ResolveRoles()
    {
        _roles = new int[_columnCount];
        if (_options.DropColumns is { } dropped)
        {
            foreach (int index in dropped)
            {
                _roles[ResolveIndex(index, "dropped column")] = DroppedRole;
            }
        }

        if (_options.LabelColumn is int label)
        {
            int resolved = ResolveIndex(label, "label column");
            if (_roles[resolved] == DroppedRole)
            {
                throw new DataFormatException(
                    $"column index {label} is both the label column and a dropped column.", _source, null, null);
            }

            _roles[resolved] = LabelRole;
        }

        for (int c = 0; c < _columnCount; c++)
        {
            if (_roles[c] == 0)
            {
                _roles[c] = _featureCount++;
            }
        }

        if (_featureCount == 0)
        {
            throw new DataFormatException(
                $"no feature column is left: all {_columnCount} columns are dropped or the label.",
                _source, null, null);
        }
    }

    private int ResolveIndex(int index, string what)
    {
        int resolved = index < 0 ? _columnCount + index : index;
        if (resolved < 0 || resolved >= _columnCount)
        {
            throw new DataFormatException(
                $"the {what} index {index} does not exist: the file has {_columnCount} columns "
                + $"(indices 0 to {_columnCount - 1}, or -1 to -{_columnCount} from the end).",
                _source, null, null);
        }

        return resolved;
    }

    private (IReadOnlyList<string> Header, string? LabelName) ReadNames(string line)
    {
        var names = new string[_featureCount];
        string? labelName = null;
        for (int c = 0; c < _columnCount; c++)
        {
            if (_roles[c] >= 0)
            {
                names[_roles[c]] = CsvLineSplitter.Text(line, _cells[c]);
            }
            else if (_roles[c] == LabelRole)
            {
                labelName = CsvLineSplitter.Text(line, _cells[c]);
            }
        }

        return (names, labelName);
    }

    private void AddRow(string line, int lineNumber)
    {
        Span<float> row = AppendRow(lineNumber);
        for (int c = 0; c < _columnCount; c++)
        {
            int role = _roles[c];
            if (role == DroppedRole)
            {
                continue;
            }

            ReadOnlySpan<char> cell = line.AsSpan(_cells[c].Start, _cells[c].Length);
            CsvCellKind kind = CsvCell.Classify(cell, out float value);
            if (kind != CsvCellKind.Number && !(kind == CsvCellKind.NonFinite && _options.AllowNonFinite))
            {
                throw new DataFormatException(CsvCell.DescribeFault(cell, kind), _source, lineNumber, c + 1);
            }

            if (role == LabelRole)
            {
                _labels.Add(value);
            }
            else
            {
                row[role] = value;
            }
        }

        _rowCount++;
    }

    private Span<float> AppendRow(int lineNumber)
    {
        long needed = (long)_valueCount + _featureCount;
        if (needed > Array.MaxLength)
        {
            throw new DataFormatException(
                $"the file holds more than {Array.MaxLength} values, the most one tensor can hold.",
                _source, lineNumber, null);
        }

        if (needed > _values.Length)
        {
            long grown = Math.Max(needed, 2L * _values.Length);
            Array.Resize(ref _values, (int)Math.Min(grown, Array.MaxLength));
        }

        Span<float> row = _values.AsSpan(_valueCount, _featureCount);
        _valueCount += _featureCount;

        return row;
    }

    private CsvTable Assemble(IReadOnlyList<string>? header, string? labelName)
    {
        if (_values.Length != _valueCount)
        {
            Array.Resize(ref _values, _valueCount);
        }

        var values = new Tensor(_values, _rowCount, _featureCount);
        float[]? labels = _options.LabelColumn is null ? null : [.. _labels];

        return new CsvTable(values, header, labels, labelName, _delimiter);
    }
}
