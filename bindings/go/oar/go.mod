module oar

go 1.18
