SELECT x.no_such_column FROM sales x
