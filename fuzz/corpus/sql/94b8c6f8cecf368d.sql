SELECT replace(ProductName, ' ', '_') FROM sales WHERE Country = 'Belgium' AND Quantity > 12
