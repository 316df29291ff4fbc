namespace LlmClusters.Core.Demo;

/// <summary>The seeded random source of the generator. System.Random with a seed is stable across .NET versions.</summary>
internal sealed class DemoRandom(int seed)
{
    private readonly Random _random = new(seed);

    public double Unit() => _random.NextDouble();
    public bool Chance(double p) => _random.NextDouble() < p;
    public int Between(int min, int maxInclusive) => _random.Next(min, maxInclusive + 1);
    public double Between(double min, double max) => min + (max - min) * _random.NextDouble();
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public T PickWeighted<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var x = _random.NextDouble() * total;
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0) return item;
        }
        return items[^1];
    }

    public double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public Guid Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
