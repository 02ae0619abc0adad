SELECT Country FROM sales WHERE Quantity > 90 UNION ALL SELECT Country FROM sales WHERE Price > 100
