SELECT ProductName FROM sales WHERE length(ProductName) > 33
