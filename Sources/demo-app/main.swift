import DemoAppKit

// The example service as its own executable; `steward demo-app` runs the same code.
await DemoAppMain.run()
