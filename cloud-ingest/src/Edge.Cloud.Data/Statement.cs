using System.Data;
using System.Data.Common;

namespace Edge.Cloud.Data;

/// <summary>A parameterised SQL statement, built once and run on either engine.</summary>
internal sealed class Statement(string sql)
{
    private readonly List<(string Name, DbType Type, object? Value)> _parameters = [];

    public string Sql { get; } = sql;

    public IReadOnlyList<(string Name, DbType Type, object? Value)> Parameters => _parameters;

    public Statement Text(string name, string? value) => Add(name, DbType.String, value);

    public Statement Int(string name, long? value) => Add(name, DbType.Int64, value);

    public Statement Real(string name, double? value) => Add(name, DbType.Double, value);

    public Statement Blob(string name, byte[]? value) => Add(name, DbType.Binary, value);

    public Statement Time(string name, DateTimeOffset? value) => Add(name, DbType.Int64, value?.ToUnixTimeMilliseconds());

    public void ApplyTo(DbCommand command)
    {
        command.CommandText = Sql;
        command.Parameters.Clear();
        foreach (var (name, type, value) in _parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.DbType = type;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
    }

    private Statement Add(string name, DbType type, object? value)
    {
        _parameters.Add((name, type, value));
        return this;
    }
}
