using System.CommandLine;
using Edge.Training;

var root = new RootCommand("Fall model: train on SisFall recordings through the XGBoost C API, and evaluate like the gateway runs.");
root.Subcommands.Add(Commands.Train());
root.Subcommands.Add(Commands.Evaluate());
return root.Parse(args).Invoke();
