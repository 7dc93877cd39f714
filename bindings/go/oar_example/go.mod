// A program of oar's Go package from outside its module, the way a user's
// module uses it: require + replace (no public import path yet).
module example.com/oar_example

go 1.18

require oar v0.0.0

replace oar => ../oar
