using System.CommandLine;
using Edge.Training;

var root = new RootCommand("Fall models: train the impact and soft paths with ML.NET on recorded falls, and evaluate like the gateway runs.");
root.Subcommands.Add(Commands.Train());
root.Subcommands.Add(Commands.Evaluate());
return root.Parse(args).Invoke();
