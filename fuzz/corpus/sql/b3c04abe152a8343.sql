SELECT greatest(1, 5, 3), least(1, 5, 3), greatest(Price, 10), least(Quantity, 10) FROM sales WHERE Country = 'Germany' AND Quantity > 12
