SELECT round(Price, 1), round(Price * Quantity, 2) FROM sales WHERE Country = 'Belgium'
