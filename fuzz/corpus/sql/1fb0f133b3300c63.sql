SELECT Quantity * Price - Quantity / 2 + Price % 3 FROM sales WHERE Country = 'Belgium'
