using System.Globalization;

namespace CouplingFlows.Data;

/// <summary>The three entries of a .npy header dictionary.</summary>
/// <param name="Descr">The dtype string, for example "&lt;f4".</param>
/// <param name="FortranOrder">Whether the data is stored column-major.</param>
/// <param name="Shape">The array dimensions; empty for a scalar.</param>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>
    /// Parses the Python literal that .npy files store, for example {'descr': '&lt;f4',
    /// 'fortran_order': False, 'shape': (3, 4), }.
    /// </summary>
    public static NpyHeader Parse(string text, string path)
    {
        var cursor = new Cursor(text, path);
        string? descr = null;
        bool? fortranOrder = null;
        int[]? shape = null;

        cursor.Expect('{');
        while (!cursor.TryTake('}'))
        {
            string key = cursor.ReadString();
            cursor.Expect(':');
            switch (key)
            {
                case "descr":
                    if (cursor.Peek() == '[')
                    {
                        throw new DataFormatException(
                            "the dtype is structured (a list of named fields); only plain numeric dtypes "
                            + "are supported.", path, null, null);
                    }

                    descr = cursor.ReadString();
                    break;
                case "fortran_order":
                    fortranOrder = cursor.ReadBoolean();
                    break;
                case "shape":
                    shape = cursor.ReadShape();
                    break;
                default:
                    cursor.SkipValue();
                    break;
            }

            if (!cursor.TryTake(','))
            {
                cursor.Expect('}');
                break;
            }
        }

        return new NpyHeader(
            descr ?? throw cursor.Fault("the header has no 'descr' entry."),
            fortranOrder ?? throw cursor.Fault("the header has no 'fortran_order' entry."),
            shape ?? throw cursor.Fault("the header has no 'shape' entry."));
    }

    /// <summary>A position in the header text.</summary>
    private sealed class Cursor(string text, string path)
    {
        private int _position;

        public char Peek()
        {
            SkipWhite();
            return _position < text.Length ? text[_position] : '\0';
        }

        public bool TryTake(char expected)
        {
            if (Peek() != expected)
            {
                return false;
            }

            _position++;
            return true;
        }

        public void Expect(char expected)
        {
            if (!TryTake(expected))
            {
                throw Fault($"'{expected}' was expected at character {_position + 1} of the header.");
            }
        }

        public string ReadString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Fault($"a quoted string was expected at character {_position + 1} of the header.");
            }

            int end = text.IndexOf(quote, _position + 1);
            if (end < 0)
            {
                throw Fault("a quoted string in the header is not closed.");
            }

            string value = text[(_position + 1)..end];
            _position = end + 1;

            return value;
        }

        public bool ReadBoolean()
        {
            string word = ReadWord();
            return word switch
            {
                "True" => true,
                "False" => false,
                _ => throw Fault($"'fortran_order' must be True or False; got '{word}'."),
            };
        }

        public int[] ReadShape()
        {
            Expect('(');
            var sizes = new List<int>();
            while (!TryTake(')'))
            {
                string word = ReadWord().TrimEnd('L');
                if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int size))
                {
                    throw Fault($"shape entry '{word}' is not a size between 0 and {int.MaxValue}.");
                }

                sizes.Add(size);
                if (!TryTake(','))
                {
                    Expect(')');
                    break;
                }
            }

            return [.. sizes];
        }

        public void SkipValue()
        {
            int depth = 0;
            while (_position < text.Length)
            {
                char c = text[_position];
                if (depth == 0 && (c == ',' || c == '}'))
                {
                    return;
                }

                depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
                _position++;
            }
        }

        public DataFormatException Fault(string reason) =>
            new("the .npy header is malformed: " + reason, path, null, null);

        private string ReadWord()
        {
            SkipWhite();
            int start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '-'))
            {
                _position++;
            }

            return text[start.._position];
        }

        private void SkipWhite()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }
    }
}
